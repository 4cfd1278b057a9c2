/** A table item's primary key: every key format in item-keys.ts and its parts builds one. */
export type ItemKey = { pk: string; sk: string };
