import { type FormEvent, type KeyboardEvent, useRef } from 'react';
import { useStore } from './hooks.ts';

const typingEveryMs = 2_000;

/** Enter sends, Shift+Enter starts a new line; typing is announced at most every two seconds. */
export function Composer(props: { id: string }) {
  const store = useStore();
  const input = useRef<HTMLTextAreaElement>(null);
  const lastTyping = useRef(0);

  const send = (event?: FormEvent) => {
    event?.preventDefault();
    const text = input.current?.value ?? '';
    if (!text.trim() || !input.current) return;
    store.send(props.id, text);
    input.current.value = '';
    input.current.focus();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) send(event);
  };
  const onInput = () => {
    if (Date.now() - lastTyping.current < typingEveryMs) return;
    lastTyping.current = Date.now();
    store.typing(props.id);
  };

  return (
    <form className="composer" onSubmit={send} aria-label="Write a message">
      <label htmlFor="composer-text" className="visually-hidden">
        Message
      </label>
      <textarea
        id="composer-text"
        ref={input}
        rows={2}
        maxLength={100_000}
        placeholder="Write a message"
        dir="auto"
        onKeyDown={onKeyDown}
        onInput={onInput}
      />
      <button type="submit">Send</button>
    </form>
  );
}
