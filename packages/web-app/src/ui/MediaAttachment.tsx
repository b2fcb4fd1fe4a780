import type { MediaView } from '@soulchat/client';
import { type MouseEvent, useEffect, useState } from 'react';
import { type MediaAttachment as Attachment, fitWithin, formatBytes } from '../state/media.ts';
import type { ChatMessage } from '../state/timeline.ts';
import { useStore } from './hooks.ts';

/** The upload's links: the kept ones at once, else read when the message is first shown. */
function useMediaView(mediaId: string) {
  const store = useStore();
  const [view, setView] = useState<MediaView | undefined>(() => store.media.peek(mediaId));
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let shown = true;
    store.media.get(mediaId).then(
      (v) => shown && setView(v),
      () => shown && setFailed(true),
    );
    return () => {
      shown = false;
    };
  }, [store, mediaId]);
  return { view, failed };
}

/**
 * Opens a link in a new tab; links expire after minutes, so one kept past its time is read again
 * first (the new tab would otherwise show a refusal).
 */
function useOpenFresh(mediaId: string, pick: (view: MediaView) => string) {
  const store = useStore();
  return (event: MouseEvent<HTMLAnchorElement>) => {
    if (store.media.peek(mediaId)) return;
    event.preventDefault();
    void store.media.get(mediaId).then((fresh) => window.open(pick(fresh), '_blank', 'noopener,noreferrer'));
  };
}

const largest = (v: MediaView) => v.links.preview ?? v.links.original;

function ImageAttachment({ attachment: a }: { attachment: Attachment }) {
  const { view, failed } = useMediaView(a.mediaId);
  const open = useOpenFresh(a.mediaId, largest);
  const size = fitWithin(a.width, a.height);
  if (failed) return <p className="muted">The image is no longer available.</p>;
  // Laid out at its size from the start, and the same elements once the links come (no src and
  // no href until then), so the timeline neither jumps nor redraws it.
  return (
    <a
      href={view ? largest(view) : undefined}
      target="_blank"
      rel="noopener noreferrer"
      onClick={open}
      title="Open full size"
    >
      <img
        className="attachment-image"
        data-testid="attachment-image"
        src={view ? (view.links.thumb ?? view.links.original) : undefined}
        width={size.width}
        height={size.height}
        alt={a.name}
        loading="lazy"
      />
    </a>
  );
}

function FileAttachment({ attachment: a }: { attachment: Attachment }) {
  const { view, failed } = useMediaView(a.mediaId);
  const open = useOpenFresh(a.mediaId, (v) => v.links.original);
  const label = `${a.name} (${formatBytes(a.size)})`;
  if (failed) return <p className="muted">{label}: no longer available</p>;
  if (!view) return <p className="attachment-file">{label}</p>;
  return (
    <p className="attachment-file">
      <a href={view.links.original} download={a.name} onClick={open} data-testid="attachment-file">
        {label}
      </a>
    </p>
  );
}

/** What a message carries: its upload (an image to look at, a file to download), or nothing. */
export function MessageAttachment({ message: m }: { message: ChatMessage }) {
  if (m.uploading) {
    return (
      <p className="attachment-file muted">
        {m.uploading.name} ({formatBytes(m.uploading.size)})
      </p>
    );
  }
  const a = m.attachment;
  if (!a) return null;
  // Messages from before uploads carry a link of their sender's choosing: named, never followed.
  if (!('mediaId' in a))
    return (
      <p className="attachment-file muted">
        {a.name} ({formatBytes(a.size)})
      </p>
    );
  return a.kind === 'image' ? <ImageAttachment attachment={a} /> : <FileAttachment attachment={a} />;
}
