import { GraphQLRequestError } from './client';
import { districtOverview } from './district';

/**
 * node examples/typed-client/dist/main.js [district code]
 * with GRAPHQL_URL (default http://localhost:4000/graphql) and TOKEN (e.g. `pnpm token --tier DISTRICT --unit 411602 --roles STAFF`).
 */
async function main(): Promise<void> {
  const token = process.env.TOKEN;
  if (!token) throw new Error('Set TOKEN to a bearer token, e.g. TOKEN=$(pnpm -s token --tier DISTRICT --unit 411602 --roles STAFF)');
  const endpoint = process.env.GRAPHQL_URL ?? 'http://localhost:4000/graphql';
  const code = process.argv[2] ?? '411602';
  const district = await districtOverview({ endpoint, token }, code);
  if (!district) {
    process.stdout.write(`No district ${code}\n`);
    return;
  }
  process.stdout.write(`${district.name} (${district.code}): ${district.streets.length} street offices, ${district.partyMembers} party members\n`);
  for (const s of district.streets) process.stdout.write(`  ${s.code} ${s.name}: ${s.communities.totalCount} communities\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof GraphQLRequestError ? `[${error.codes.join(', ')}] ` : ''}${(error as Error).message}\n`);
  process.exit(1);
});
