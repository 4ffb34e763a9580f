/**
 * `@ptr` values: an opaque base64url pointer to one stored event, which GetLogRecord resolves.
 * It names the group, stream and the event's position (timestamp, seq, idx).
 */
export interface EventPointer { groupId: number; streamId: number; timestamp: number; seq: number; idx: number }

export function encodePointer(p: EventPointer): string {
  return Buffer.from(`tw1:${p.groupId}:${p.streamId}:${p.timestamp}:${p.seq}:${p.idx}`).toString('base64url');
}

export function decodePointer(ptr: string): EventPointer | null {
  const m = /^tw1:(\d+):(\d+):(-?\d+):(\d+):(\d+)$/.exec(Buffer.from(ptr, 'base64').toString('utf8'));
  if (!m) return null;
  return { groupId: Number(m[1]), streamId: Number(m[2]), timestamp: Number(m[3]), seq: Number(m[4]), idx: Number(m[5]) };
}

/** The same pointer built inside SQL, so result rows carry it without a JS pass. */
export const POINTER_SQL = "base64URLEncode(concat('tw1:', toString(group_id), ':', toString(stream_id), ':', toString(timestamp), ':', toString(seq), ':', toString(idx)))";
