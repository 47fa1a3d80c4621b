import { z } from 'zod';
import { IPC_CHANNELS, type IpcChannel } from './ipcChannels.ts';

/** Who sent an IPC message, as the main side sees it (from the event's sender and senderFrame). */
export type IpcSender = {
  webContentsId: number;
  /** null when the frame has already navigated away or been destroyed. */
  frameUrl: string | null;
  isMainFrame: boolean;
};

/** Our window and the engine origin its dashboard is served from. */
export type ExpectedSender = { webContentsId: number; origin: string };

/**
 * Only the top frame of our own window, showing a page of our own origin, may talk to the main
 * side. A subframe, another window, or our window after it somehow left the dashboard is refused.
 */
export function senderAllowed(sender: IpcSender, expected: ExpectedSender): boolean {
  if (sender.webContentsId !== expected.webContentsId || !sender.isMainFrame) return false;
  if (sender.frameUrl === null) return false;
  return originOf(sender.frameUrl) === expected.origin;
}

/** The origin of a URL, or undefined when it does not parse. */
export function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

const ExternalUrlSchema = z
  .string()
  .max(4096)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '';
    } catch {
      return false;
    }
  }, 'only http and https links without credentials open in the system browser');

/** The arguments each channel accepts, as a tuple; anything else is refused. */
export const IPC_ARGS = {
  [IPC_CHANNELS.bootstrap]: z.tuple([]),
  [IPC_CHANNELS.openExternal]: z.tuple([ExternalUrlSchema]),
  [IPC_CHANNELS.showDataFolder]: z.tuple([]),
} as const satisfies Record<IpcChannel, z.ZodType>;

export type IpcArgs<C extends IpcChannel> = z.output<(typeof IPC_ARGS)[C]>;

/** Validates a channel's arguments; the error names the channel but never echoes the values. */
export function parseIpcArgs<C extends IpcChannel>(
  channel: C,
  args: readonly unknown[],
): { ok: true; args: IpcArgs<C> } | { ok: false; error: string } {
  const parsed = IPC_ARGS[channel].safeParse(args);
  if (parsed.success) return { ok: true, args: parsed.data as IpcArgs<C> };
  return {
    ok: false,
    error: `${channel}: refused arguments (${parsed.error.issues.map((issue) => issue.message).join('; ')})`,
  };
}
