/** What an "information occupied" appeal names as taken by someone else: the web site's three choices. */
export const occupiedIdentifiers = ['idNumber', 'mobile', 'email'] as const
export type OccupiedIdentifier = (typeof occupiedIdentifiers)[number]

export function isOccupiedIdentifier(value: string): value is OccupiedIdentifier {
  return (occupiedIdentifiers as readonly string[]).includes(value)
}
