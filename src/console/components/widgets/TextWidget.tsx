import { useMemo } from 'preact/hooks';
import MarkdownIt from 'markdown-it';
import type { Widget } from '../../lib/dashboard-model';
import { WidgetFrame } from './WidgetFrame';

// HTML disabled: a dashboard body is data anyone with PutDashboard wrote, so no raw HTML or scripts.
const md = new MarkdownIt({ html: false, linkify: true, breaks: false });
// Links open in a new tab without giving it this page.
const defaultLink = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx].attrSet('target', '_blank');
  tokens[idx].attrSet('rel', 'noopener noreferrer');
  return defaultLink(tokens, idx, options, env, self);
};

/** A text widget: its markdown rendered (CommonMark with tables, as CloudWatch's). */
export function TextWidget({ widget }: { widget: Widget }) {
  const markdown = typeof widget.properties.markdown === 'string' ? widget.properties.markdown : '';
  const html = useMemo(() => md.render(markdown), [markdown]);
  const transparent = widget.properties.background === 'transparent';
  return (
    <WidgetFrame widget={widget} bare={transparent}>
      <div class="markdown" data-testid="text-widget" dangerouslySetInnerHTML={{ __html: html }} />
    </WidgetFrame>
  );
}
