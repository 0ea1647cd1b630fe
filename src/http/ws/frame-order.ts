import { problems } from '../../core/errors.ts';

/**
 * Frames one socket may send while its `auth` frame is being verified; they are then run in order.
 * Past this, a frame is answered 503 `overloaded` (with `Retry-After: 1`) and dropped, not run.
 */
export const MAX_HELD_FRAMES = 64;

/**
 * Keeps a socket's frames in arrival order across an `auth` frame whose token verification is
 * asynchronous (a jose verification the first time a token is seen): frames arriving meanwhile are held,
 * and run — with the new identity, or the former one when the token was refused — once it settles.
 * One per socket; the socket's frames are `F` (a decoded frame and its encoding).
 */
export class FrameOrder<F> {
  private pending = false;
  private readonly held: F[] = [];

  /**
   * True when `frame` must wait for a pending `auth` (it is then held); false when it may run now.
   * @throws Problem 503 `overloaded` when MAX_HELD_FRAMES frames are already held (the frame is dropped).
   */
  hold(frame: F): boolean {
    if (!this.pending) return false;
    if (this.held.length >= MAX_HELD_FRAMES)
      throw problems.unavailable('overloaded', `More than ${MAX_HELD_FRAMES} frames sent while an auth frame is being verified; this one was dropped.`, 1);
    this.held.push(frame);
    return true;
  }

  /** An `auth` frame started an asynchronous verification: later frames are held until `settled`. */
  begin(): void {
    this.pending = true;
  }

  /**
   * The verification settled (the identity is updated): runs the held frames in order, stopping when one
   * of them is itself an `auth` that calls `begin` (the rest wait for that one).
   * @param run handles one frame; it must not throw.
   */
  settled(run: (frame: F) => void): void {
    this.pending = false;
    while (!this.pending && this.held.length > 0) run(this.held.shift() as F);
  }
}
