import { useLayoutEffect, useMemo, useRef, useState, type MutableRef } from 'preact/hooks';
import type { CompileError } from '../lib/api';
import { completionsAt, lineColumn, tokenize, type Completion, type LangToken } from '../lib/insights-lang';

export interface EditorApi {
  /** Replaces the selection with text (undoable) and focuses the editor. */
  insert(text: string): void;
  focus(): void;
}

interface Props {
  value: string;
  onChange: (value: string) => void;
  /** Ctrl/Cmd+Enter, with the text as typed. */
  onRun: (value: string) => void;
  /** Discovered field names to complete. */
  fields: readonly string[];
  /** The last run's MalformedQueryException; underlined while `errorText` is what is in the editor. */
  error: CompileError | null;
  errorText?: string;
  apiRef?: MutableRef<EditorApi | null>;
  labelledBy?: string;
  describedBy?: string;
}

interface Segment { text: string; kind: LangToken['kind']; err: boolean; marker?: boolean }

/** Tokens cut at the error span, so the span can be underlined; an empty span becomes a marker. */
function segmentsOf(text: string, tokens: LangToken[], err: { start: number; end: number } | null): Segment[] {
  const out: Segment[] = [];
  const cuts = err ? [err.start, err.end] : [];
  for (const t of tokens) {
    let s = t.start;
    for (const c of cuts) {
      if (c > s && c < t.end) {
        out.push({ text: text.slice(s, c), kind: t.kind, err: !!err && s >= err.start && c <= err.end && err.end > err.start });
        s = c;
      }
    }
    out.push({ text: text.slice(s, t.end), kind: t.kind, err: !!err && s >= err.start && t.end <= err.end && err.end > err.start });
  }
  if (err && err.start === err.end) {
    // A position rather than a span (e.g. "unexpected end of query"): a marker there.
    let at = 0;
    let i = 0;
    while (i < out.length && at + out[i].text.length <= err.start) { at += out[i].text.length; i++; }
    if (i < out.length && at < err.start) {
      const s = out[i];
      const k = err.start - at;
      out.splice(i, 1, { ...s, text: s.text.slice(0, k) }, { ...s, text: s.text.slice(k) });
      i++;
    }
    out.splice(i, 0, { text: '', kind: 'text', err: true, marker: true });
  }
  return out;
}

const KIND_LABEL: Record<Completion['kind'], string> = { command: 'cmd', function: 'fn', aggregate: 'agg', field: 'field', keyword: 'kw' };

/**
 * The query editor: a transparent textarea over a highlighted copy of its text (same font, same
 * wrapping), with completion, Ctrl/Cmd+Enter to run, and the server's compile error underlined.
 */
export function QueryEditor({ value, onChange, onRun, fields, error, errorText, apiRef, labelledBy, describedBy }: Props) {
  const taRef = useRef<HTMLTextAreaElement>(null);
  const preRef = useRef<HTMLPreElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const [suggest, setSuggest] = useState<{ start: number; end: number; items: Completion[]; active: number; left: number; top: number } | null>(null);
  const accepting = useRef(false);
  /** The box was scrolled to show the caret: that scroll must not close the suggestions. */
  const ownScroll = useRef(false);

  const tokens = useMemo(() => tokenize(value), [value]);
  const showErr = error && (errorText === undefined || errorText === value) ? error : null;
  const segments = useMemo(() => segmentsOf(value, tokens, showErr), [value, tokens, showErr?.start, showErr?.end]);

  // The textarea is as tall as its text: it must never scroll itself, or the layers drift apart.
  useLayoutEffect(() => {
    const ta = taRef.current;
    if (ta && (ta.scrollTop || ta.scrollLeft)) { ta.scrollTop = 0; ta.scrollLeft = 0; }
  });

  if (apiRef) {
    apiRef.current = {
      insert: (text) => {
        const ta = taRef.current;
        if (!ta) return;
        replaceRange(ta, ta.selectionStart, ta.selectionEnd, text);
      },
      focus: () => taRef.current?.focus(),
    };
  }

  /** Where the caret is, relative to the editor box (a hidden copy of the highlight layer, measured). */
  function caretPoint(text: string, pos: number): { left: number; top: number } {
    const pre = preRef.current;
    const box = boxRef.current;
    const scroller = scrollRef.current;
    if (!pre || !box || !scroller) return { left: 0, top: 0 };
    const mirror = document.createElement('pre');
    mirror.className = 'qe-layer qe-mirror';
    mirror.style.width = `${pre.clientWidth}px`;
    mirror.textContent = text.slice(0, pos);
    const mark = document.createElement('span');
    mark.textContent = '\u200b';
    mirror.appendChild(mark);
    pre.parentElement!.appendChild(mirror);
    const lh = parseFloat(getComputedStyle(pre).lineHeight) || 20;
    const line = { top: mark.offsetTop, bottom: mark.offsetTop + lh };
    mirror.remove();
    // Keep the caret's line in view (the textarea never scrolls; its box does).
    const want = line.top < scroller.scrollTop ? line.top
      : line.bottom + 12 > scroller.scrollTop + scroller.clientHeight ? line.bottom + 12 - scroller.clientHeight : scroller.scrollTop;
    if (want !== scroller.scrollTop) { ownScroll.current = true; scroller.scrollTop = want; }
    const listWidth = Math.min(440, box.clientWidth);
    return { left: Math.max(0, Math.min(mark.offsetLeft, box.clientWidth - listWidth)), top: line.bottom - scroller.scrollTop + scroller.offsetTop + 2 };
  }

  function update(text: string, caret: number, force = false) {
    const c = completionsAt(text, caret, fields, force);
    if (!c) { setSuggest(null); return; }
    const at = caretPoint(text, c.start);
    setSuggest((prev) => ({ ...c, active: prev && prev.start === c.start ? Math.min(prev.active, c.items.length - 1) : 0, ...at }));
  }

  function accept(item: Completion) {
    const ta = taRef.current;
    if (!ta || !suggest) return;
    accepting.current = true;
    replaceRange(ta, suggest.start, suggest.end, item.insert, item.caretBack ?? 0);
    accepting.current = false;
    setSuggest(null);
  }

  function onKeyDown(e: KeyboardEvent) {
    const ta = e.currentTarget as HTMLTextAreaElement;
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
      e.preventDefault();
      setSuggest(null);
      onRun(ta.value);
      return;
    }
    if (e.ctrlKey && (e.key === ' ' || e.code === 'Space')) {
      e.preventDefault();
      update(ta.value, ta.selectionStart, true);
      return;
    }
    if (!suggest) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const n = suggest.items.length;
      setSuggest({ ...suggest, active: (suggest.active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n });
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault();
      accept(suggest.items[suggest.active]);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      setSuggest(null);
    }
  }

  function onInput(e: Event) {
    const ta = e.currentTarget as HTMLTextAreaElement;
    onChange(ta.value);
    if (accepting.current) return;
    const typing = (e as InputEvent).inputType?.startsWith('insert') && (e as InputEvent).inputType !== 'insertLineBreak';
    if (typing || (suggest && (e as InputEvent).inputType?.startsWith('delete'))) update(ta.value, ta.selectionStart);
    else setSuggest(null);
  }

  function goToError() {
    const ta = taRef.current;
    if (!ta || !error) return;
    ta.focus();
    ta.setSelectionRange(error.start, Math.max(error.end, error.start));
  }

  const listId = 'qe-suggestions';
  const activeId = suggest ? `qe-opt-${suggest.active}` : undefined;
  const pos = error && errorText !== undefined ? lineColumn(errorText, error.start) : null;
  const stale = error !== null && errorText !== undefined && errorText !== value;

  return (
    <div class="qe-wrap">
      <div class={`qe${showErr ? ' qe-invalid' : ''}`} ref={boxRef}>
        <div class="qe-scroll" ref={scrollRef} onScroll={() => { if (ownScroll.current) ownScroll.current = false; else setSuggest(null); }}>
          <div class="qe-inner">
            <pre class="qe-layer qe-highlight" aria-hidden="true" ref={preRef} data-testid="query-highlight">
              {segments.map((s, i) => (s.marker
                ? <span key={i} class="qe-err qe-err-point" data-testid="query-error-mark" data-start={showErr!.start} data-end={showErr!.end} />
                : s.err
                  ? <span key={i} class={`t-${s.kind} qe-err`} data-testid="query-error-mark" data-start={showErr!.start} data-end={showErr!.end}>{s.text}</span>
                  : s.kind === 'space' || s.kind === 'field' ? s.text : <span key={i} class={`t-${s.kind}`}>{s.text}</span>))}
              {'\u200b'}
            </pre>
            <textarea
              ref={taRef}
              class="qe-layer qe-input"
              value={value}
              spellcheck={false}
              autoCapitalize="off"
              autoComplete="off"
              autoCorrect="off"
              wrap="soft"
              rows={1}
              role="combobox"
              aria-multiline="true"
              aria-autocomplete="list"
              aria-expanded={!!suggest}
              aria-controls={listId}
              aria-activedescendant={activeId}
              aria-labelledby={labelledBy}
              aria-describedby={describedBy}
              aria-invalid={showErr ? true : undefined}
              data-testid="query-input"
              onInput={onInput}
              onKeyDown={onKeyDown}
              onBlur={() => setSuggest(null)}
              onClick={() => setSuggest(null)}
              onScroll={(e) => { const t = e.currentTarget; if (t.scrollTop || t.scrollLeft) { t.scrollTop = 0; t.scrollLeft = 0; } }}
            />
          </div>
        </div>
        <ul id={listId} role="listbox" class="qe-suggest" aria-label="Suggestions" hidden={!suggest} data-testid="query-suggestions"
          style={suggest ? { left: `${suggest.left}px`, top: `${suggest.top}px` } : undefined}>
          {suggest?.items.map((it, i) => (
            <li
              key={`${it.kind}:${it.label}`} id={`qe-opt-${i}`} role="option" aria-selected={i === suggest.active}
              class={i === suggest.active ? 'active' : ''} data-testid="query-suggestion" data-label={it.label}
              onMouseDown={(e) => { e.preventDefault(); accept(it); }}
              onMouseMove={() => { if (i !== suggest.active) setSuggest({ ...suggest, active: i }); }}
            >
              <span class={`qe-kind qe-kind-${it.kind}`}>{KIND_LABEL[it.kind]}</span>
              <span class="qe-label">{it.label}</span>
              {it.detail && <span class="qe-detail">{it.detail}</span>}
            </li>
          ))}
        </ul>
      </div>
      {error && (
        <div class={`qe-message${stale ? ' qe-message-stale' : ''}`} role="alert" data-testid="query-error">
          <strong>MalformedQueryException</strong>{' '}
          <span data-testid="query-error-message">{error.message}</span>{' '}
          {stale
            ? <span class="muted">(last run; the query has changed since)</span>
            : pos && <button type="button" class="link-button" onClick={goToError}>Go to line {pos.line}, column {pos.column}</button>}
        </div>
      )}
    </div>
  );
}

/** Replaces [start, end) with text as if typed (undo keeps working), then places the caret. */
function replaceRange(ta: HTMLTextAreaElement, start: number, end: number, text: string, caretBack = 0): void {
  ta.focus();
  ta.setSelectionRange(start, end);
  // execCommand keeps the browser's undo stack; setRangeText is the fallback where it is gone.
  const ok = typeof document.execCommand === 'function' && document.execCommand('insertText', false, text);
  if (!ok) {
    ta.setRangeText(text, start, end, 'end');
    ta.dispatchEvent(new Event('input', { bubbles: true }));
  }
  const caret = start + text.length - caretBack;
  ta.setSelectionRange(caret, caret);
}
