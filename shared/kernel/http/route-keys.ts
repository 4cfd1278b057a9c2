/** What API Gateway's routeKey is made of; kept apart from the route table so a lean bundle can dispatch without it. */
export interface RouteKeySource {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headToo?: boolean;
}

/** The API Gateway route keys of a route: `GET /path`, and `HEAD /path` when it is served for HEAD too. */
export const routeKeysOf = (route: RouteKeySource): string[] => [
  `${route.method} ${route.path}`,
  ...(route.headToo === true ? [`HEAD ${route.path}`] : []),
];
