// The time left on an emergency access, for the visible countdown. Pure: unit-tested.

/** "3 hours 59 minutes left", "4 minutes 5 seconds left", "Expired". Rounded down to the second. */
export function remaining(untilIso: string, now: number): string {
  const ms = Date.parse(untilIso) - now;
  if (!(ms > 0)) return 'Expired';
  const total = Math.floor(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (hours > 0) return `${unit(hours, 'hour')} ${unit(minutes, 'minute')} left`;
  if (minutes > 0) return `${unit(minutes, 'minute')} ${unit(seconds, 'second')} left`;
  return `${unit(seconds, 'second')} left`;
}

const KEY = 'careledger.emergency.';

export function rememberEmergency(nhsNumber: string, validUntil: string): void {
  sessionStorage.setItem(KEY + nhsNumber, validUntil);
}

export function emergencyUntil(nhsNumber: string): string | null {
  return sessionStorage.getItem(KEY + nhsNumber);
}
