import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Building leaders by subtree: buildingWorkStatistics counts the buildings with a leader under each
 * unit asked (`l.path <@ u.path`). Without this index that was a sequential scan of every leader of
 * the city once per unit (EXPLAIN ANALYZE at scale 10, a district dashboard's 58 communities:
 * 58 × 5,160 rows read, 145 ms of the statement's 170 ms).
 */
export class BuildingLeaderPathIndex1732000003000 implements MigrationInterface {
  name = 'BuildingLeaderPathIndex1732000003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX IF NOT EXISTS building_leader_path ON building.building_leader USING gist (path)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX building.building_leader_path');
  }
}
