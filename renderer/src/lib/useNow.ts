import { useEffect, useState } from 'react';

/** The clock, re-read every `everyMs`, for countdowns and "5 s ago" labels. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
