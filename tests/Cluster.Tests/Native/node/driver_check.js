// Drives a RingStore cluster through the DataStax Node.js driver (cassandra-driver, installed by `npm ci` here;
// .ci/run does it) over the CQL native protocol. Usage: node driver_check.js HOST PORT
// Prints one line per check, "RESULT <name> <json>"; the C# test (NodeDriverTests) asserts on them. Any failure
// exits non-zero with its stack.
'use strict';
const cassandra = require('cassandra-driver');

function result(name, value) {
  console.log('RESULT ' + name + ' ' + JSON.stringify(value));
}

async function main(host, port) {
  // The driver needs its local data center named when contact points are given; RingStore's default is dc1.
  // cassandra-driver 4.x reads system.peers only and reaches every peer on its one configured port (9042), so with
  // the test's nodes on one address and different ports it cannot address the peers: it is kept on the contact point.
  const contact = host + ':' + port;
  const lb = cassandra.policies.loadBalancing;
  const client = new cassandra.Client({
    contactPoints: [contact],
    localDataCenter: 'dc1',
    policies: { loadBalancing: new lb.AllowListPolicy(new lb.DCAwareRoundRobinPolicy('dc1'), [contact]) },
    queryOptions: { consistency: cassandra.types.consistencies.quorum },
  });
  await client.connect();
  result('protocol_version', client.controlConnection.protocolVersion);
  result('hosts', client.hosts.values().map(h => h.address).sort());

  await client.execute("CREATE KEYSPACE js WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}");
  await client.execute('CREATE TABLE js.wide (p int, c int, v text, PRIMARY KEY (p, c))');

  // Prepared inserts, 250 rows of one partition, then a select read back over pages of 40.
  const insert = 'INSERT INTO js.wide (p, c, v) VALUES (?, ?, ?)';
  for (let start = 0; start < 250; start += 50) {
    const batch = [];
    for (let c = start; c < start + 50; c++) batch.push(client.execute(insert, [7, c, 'row' + c], { prepare: true }));
    await Promise.all(batch);
  }
  const seen = [];
  let pages = 0;
  let pageState;
  do {
    const rs = await client.execute('SELECT c, v FROM js.wide WHERE p = ?', [7], { prepare: true, fetchSize: 40, pageState });
    pages++;
    for (const row of rs.rows) seen.push(row.c);
    pageState = rs.pageState;
  } while (pageState);
  result('paging', { rows: seen.length, pages, in_order: seen.every((c, i) => c === i) });
  const one = await client.execute('SELECT v FROM js.wide WHERE p = ? AND c = ?', [7, 42], { prepare: true });
  result('read_back', one.first().v);

  // Errors as the driver's own classes, with the protocol's codes.
  const errors = {};
  for (const [name, cql] of [
    ['already_exists', "CREATE KEYSPACE js WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"],
    ['invalid', 'SELECT * FROM js.nosuchtable'],
    ['syntax', 'SELEKT * FROM js.wide'],
  ]) {
    try {
      await client.execute(cql);
      errors[name] = 'no error';
    } catch (e) {
      errors[name] = { class: e.constructor.name, code: e.code, keyspace: e.keyspace === undefined ? null : e.keyspace };
    }
  }
  result('errors', errors);

  // Schema metadata through the driver's parser.
  const table = await client.metadata.getTable('js', 'wide');
  result('metadata', {
    columns: table.columns.map(c => c.name),
    partition_key: table.partitionKeys.map(c => c.name),
    clustering_key: table.clusteringKeys.map(c => c.name),
  });
  await client.shutdown();
}

main(process.argv[2], parseInt(process.argv[3], 10)).catch(e => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
