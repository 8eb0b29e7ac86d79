// Usage: node astra-db-ts.mjs <base URL> <application token>
// The Data API client sends the token in `Token`; the admin client in `Authorization: Bearer`. Prints one JSON line:
// what the server answered, or the HTTP status the client failed with (exit code 2).
import { DataAPIClient } from '@datastax/astra-db-ts';

const [base, token] = process.argv.slice(2);
try {
  const client = new DataAPIClient({ environment: 'hcd' });
  // The path Astra serves the Data API at, as a TokenSdk host might mount it.
  const db = client.db(base, { token, keyspace: 'orders', dataApiPath: 'api/json/v1' });
  const collections = await db.listCollections({ nameOnly: true });

  const astra = new DataAPIClient(token, { environment: 'astra' });
  const admin = astra.admin({ endpointUrl: `${base}/v2` });
  const databases = await admin.listDatabases();

  console.log(JSON.stringify({ collections, databases: databases.length }));
} catch (error) {
  console.log(JSON.stringify({ error: error.name, status: error.status ?? error.raw?.status ?? null, message: String(error.message).slice(0, 300) }));
  process.exit(2);
}
