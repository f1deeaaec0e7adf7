/** The timeline panel's view type, as package.json declares it (its activation event and serializer). */
export const TIMELINE_VIEW_TYPE = 'authFlow.timeline';
