import type { ComponentChildren } from 'preact';
import type { Widget } from '../../lib/dashboard-model';

/** One dashboard widget's box on the 24-column grid, with its title. */
export function WidgetFrame({ widget, title, children, busy = false, bare = false }: { widget: Widget; title?: string; children: ComponentChildren; busy?: boolean; bare?: boolean }) {
  const style: Record<string, string> = {
    gridColumn: widget.x !== undefined ? `${widget.x + 1} / span ${Math.min(widget.width, 24 - widget.x)}` : `span ${widget.width}`,
    gridRow: widget.y !== undefined ? `${widget.y + 1} / span ${widget.height}` : `span ${widget.height}`,
    '--h': String(widget.height),
  };
  const id = `widget-${widget.index}-title`;
  return (
    <section
      class={`widget widget-${widget.type}${bare ? ' widget-bare' : ''}`} style={style} aria-busy={busy}
      aria-labelledby={title ? id : undefined} aria-label={title ? undefined : `${widget.type} widget`}
      data-testid="widget" data-widget-type={widget.type} data-widget-index={widget.index}
    >
      {title && <h2 class="widget-title" id={id} title={title}>{title}</h2>}
      <div class="widget-body">{children}</div>
    </section>
  );
}

export function WidgetMessage({ children, error = false }: { children: ComponentChildren; error?: boolean }) {
  return <div class={`widget-message${error ? ' widget-error' : ''}`} role={error ? 'alert' : undefined} data-testid={error ? 'widget-error' : 'widget-message'}>{children}</div>;
}
