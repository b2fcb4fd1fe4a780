import { type ChangeEvent, type FormEvent, type KeyboardEvent, useRef } from 'react';
import { useStore } from './hooks.ts';

const typingEveryMs = 2_000;

/**
 * Enter sends, Shift+Enter starts a new line; typing is announced at most every two seconds.
 * A chosen file goes at once, with what is written as its caption.
 */
export function Composer(props: { id: string }) {
  const store = useStore();
  const input = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const lastTyping = useRef(0);

  const send = (event?: FormEvent) => {
    event?.preventDefault();
    const text = input.current?.value ?? '';
    if (!text.trim() || !input.current) return;
    store.send(props.id, text);
    input.current.value = '';
    input.current.focus();
  };
  const sendFile = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.currentTarget.files?.[0];
    // Cleared so that choosing the same file again is a new change.
    event.currentTarget.value = '';
    if (!file || !input.current) return;
    store.sendFile(props.id, file, input.current.value);
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
      {/* The native picker stays hidden: the button opens it and says what it does. */}
      <input ref={picker} type="file" hidden onChange={sendFile} />
      <button type="button" onClick={() => picker.current?.click()}>
        Attach file
      </button>
      <button type="submit">Send</button>
    </form>
  );
}
