/** A note: the skeleton's example resource. Domain code does no I/O. */
export interface Note {
  id: number;
  title: string;
  body: string;
  createdAt: Date;
}

export interface NewNote {
  title: string;
  body: string;
}

/** Titles are compared and stored without surrounding or repeated inner whitespace. */
export function normaliseTitle(title: string): string {
  return title.trim().replace(/\s+/g, ' ');
}
