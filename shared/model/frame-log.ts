import type { AttemptOutcome, FrameDirection, FrameKind, FrameRecord } from './connection';

/**
 * The frame log of one endpoint as Diagnostics reads it: bounded by bytes (not a count), across
 * reconnects, each frame marked with the connection it travelled on.
 */

/** One connection that frames in the log travelled on, for the separator row above its frames. */
export interface ConnectionMark {
  conn: number;
  openedAt: number | null;
  endedAt: number | null;
  /** How it ended (close code, handshake status or error, in the close table's words). */
  outcome: Pick<AttemptOutcome, 'closeCode' | 'handshakeStatus' | 'error' | 'meaning'> | null;
}

/** Rows of the log after a given id (all of them when none is given), oldest first. */
export interface FramePage {
  endpoint: string;
  /** The oldest frame still kept: rows the reader holds below it have left the log. */
  firstId: number | null;
  frames: FrameRecord[];
  /** The connections of the rows returned. */
  connections: ConnectionMark[];
  /** What the log keeps, in bytes of frame text, and how much it holds now. */
  limitBytes: number;
  usedBytes: number;
  /** More rows follow (the page was cut): ask again after the last id. */
  more: boolean;
}

/** What the decoder made of a frame, in words (one line per event, ack, error…). */
export interface DecodeLine {
  tone: 'ok' | 'warn' | 'bad' | 'info';
  text: string;
}

/** The frame inspector's view of one frame: the whole payload (bounded, redacted) and its fate. */
export interface FrameDetail {
  endpoint: string;
  id: number;
  conn: number;
  at: number;
  /** Time since its connection opened (null when that is no longer known). */
  sinceOpenMs: number | null;
  dir: FrameDirection;
  kind: FrameKind;
  /** Bytes on the wire. */
  size: number;
  /** The payload as text, redacted; at most `FRAME_DETAIL_CHARS` characters. */
  payload: string;
  /** The payload was longer than what is kept or shown. */
  truncated: boolean;
  /** Characters of the whole frame. */
  length: number;
  /** The decode result: events it became, acks, pongs, or why it was rejected or not applied. */
  decode: DecodeLine[];
  rttMs?: number;
  close?: { code: number; name: string; meaning: string; reason?: string };
  manual?: boolean;
}

/** The most of one frame the inspector shows (and the log keeps), in characters. */
export const FRAME_DETAIL_CHARS = 64 * 1024;
