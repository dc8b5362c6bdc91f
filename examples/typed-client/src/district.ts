import { request, type ClientOptions } from './client';
import { DistrictOverviewDocument, type DistrictOverviewQuery } from './generated/graphql';

/** A street office as the district overview lists it. */
export type StreetSummary = NonNullable<DistrictOverviewQuery['district']>['streets']['edges'][number]['node'];

export interface DistrictOverview {
  code: string;
  name: string;
  partyMembers: number;
  streets: StreetSummary[];
}

/**
 * A district and ALL its street offices, following the connection's cursors page by page
 * (`pageInfo.hasNextPage` / `endCursor` into `after`). Null when the district does not exist.
 */
export async function districtOverview(client: ClientOptions, code: string, pageSize = 3): Promise<DistrictOverview | null> {
  const streets: StreetSummary[] = [];
  let after: string | null = null;
  let first: DistrictOverviewQuery['district'] = null;
  do {
    const page: DistrictOverviewQuery = await request(client, DistrictOverviewDocument, { code, first: pageSize, after });
    if (!page.district) return null;
    first ??= page.district;
    streets.push(...page.district.streets.edges.map((edge) => edge.node));
    after = page.district.streets.pageInfo.hasNextPage ? page.district.streets.pageInfo.endCursor : null;
  } while (after);
  return { code: first.code, name: first.name, partyMembers: first.partyMembers.total, streets };
}
