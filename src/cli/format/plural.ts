/** A count and its noun, in the plural unless the count is one: `1 release`, `3 releases`. */
export const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`
