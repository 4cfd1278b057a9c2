/** Where the members screens live, for the menu and for links between them. */
export const PEOPLE_PATH = '/members/people';
export const ACTIVITY_PATH = '/members/activity';

/** A members screen for one organization: the service's admins name it in the link (`?org=`). */
export const withOrg = (path: string, orgId: string): string => `${path}?${new URLSearchParams({ org: orgId })}`;
