/** Runs one backend double from test/peers as its own process for the end-to-end tests. */
import { startDjangoDouble } from '../../test/peers/django-double';

const kind = process.argv[2];
if (kind !== 'django') {
  console.error(`unknown peer "${kind}"`);
  process.exit(2);
}
const double = await startDjangoDouble();
console.log(
  `PEER ${JSON.stringify({ url: double.url, apiUrl: double.apiUrl, notificationsUrl: double.notificationsUrl })}`,
);
process.on('SIGTERM', () => void double.stop().then(() => process.exit(0)));
