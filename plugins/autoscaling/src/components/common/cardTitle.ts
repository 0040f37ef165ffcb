/**
 * Card titles are the second heading level of every plugin view (the page or entity title is
 * the first): Backstage's InfoCard renders its title as a span unless told otherwise.
 */
export const CARD_TITLE = { component: 'h2' } as const;
