import { useInfiniteQuery } from '@tanstack/react-query';

/**
 * A listing read a page at a time with the API's sealed cursors: `fetchPage(cursor)` asks for
 * one page; the hook keeps the pages read so far and whether another one exists. The
 * cursor is the API's, opaque: it is never built or changed here.
 */
export const useCursorPages = <Page, Item>(options: {
  queryKey: readonly unknown[];
  fetchPage: (cursor: string | undefined) => Promise<Page>;
  itemsOf: (page: Page) => readonly Item[];
  cursorOf: (page: Page) => string | undefined;
  enabled?: boolean;
}) => {
  const query = useInfiniteQuery({
    queryKey: options.queryKey,
    queryFn: ({ pageParam }) => options.fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => options.cursorOf(page),
    enabled: options.enabled ?? true,
  });
  const items = query.data?.pages.flatMap((page) => [...options.itemsOf(page)]) ?? [];
  return { ...query, items };
};
