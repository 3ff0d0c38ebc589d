import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, describeError } from '../api.js';
import { isProcessing } from '../kinds.js';
import { codePoints, MAX_MESSAGE_CODE_POINTS, trimMessage } from '../text.js';

export interface ComposerProps {
  status: string;
  /** Sends the trimmed text; rejects with ApiError as the API answers. */
  send(text: string): Promise<void>;
  /** Above the text box: who the message goes out as (admin tools). */
  children?: preact.ComponentChildren;
}

/** Counts down to zero from `seconds`; null when not counting. */
function useCountdown(): [number | null, (seconds: number) => void] {
  const [left, setLeft] = useState<number | null>(null);
  useEffect(() => {
    if (left === null) return;
    if (left <= 0) return setLeft(null);
    const timer = setTimeout(() => setLeft(left - 1), 1000);
    return () => clearTimeout(timer);
  }, [left]);
  return [left, setLeft];
}

/** The composer obeys the API's rules before sending: trimmed, not empty, at most 10000 code points, only while processing. */
export function Composer(props: ComposerProps) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [retryIn, startCountdown] = useCountdown();
  const box = useRef<HTMLTextAreaElement>(null);

  const open = isProcessing(props.status);
  const trimmed = trimMessage(text);
  const length = codePoints(trimmed);
  const tooLong = length > MAX_MESSAGE_CODE_POINTS;
  const canSend = open && !busy && retryIn === null && trimmed !== '' && !tooLong;

  const submit = async (event?: Event) => {
    event?.preventDefault();
    if (!canSend) return;
    setBusy(true);
    setError(null);
    try {
      await props.send(trimmed);
      setText('');
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 429) startCountdown(failure.retryAfterSeconds ?? 60);
      else setError(describeError(failure));
    } finally {
      setBusy(false);
      box.current?.focus();
    }
  };

  return (
    <section class="card composer" aria-labelledby="composer-title">
      <h2 id="composer-title">Reply</h2>
      {props.children}
      {!open && (
        <p class="notice" role="status" data-testid="chat-closed">
          The chat is closed: messages can be sent only while the order is pending or in delivery.
        </p>
      )}
      <form onSubmit={submit}>
        <label for="message">Message</label>
        <textarea id="message" ref={box} rows={3} value={text} disabled={!open}
          aria-describedby="message-count" onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit(); }} />
        <p id="message-count" class={tooLong ? 'count error' : 'count'}>
          {length} / {MAX_MESSAGE_CODE_POINTS} characters{tooLong ? ': too long' : ''}. Ctrl+Enter sends.
        </p>
        {retryIn !== null && (
          <p class="notice" role="status" data-testid="rate-limit-countdown">
            Too many messages: you can send again in {retryIn} s.
          </p>
        )}
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" disabled={!canSend}>{busy ? 'Sending…' : 'Send'}</button>
      </form>
    </section>
  );
}
