import { lifecycleBench } from './lifecycle';

/** `npm run bench`: prints one JSON line per scenario. BENCH_CONVERSATIONS scales the lifecycle scenario. */
async function main(): Promise<void> {
  const conversations = Number(process.env.BENCH_CONVERSATIONS ?? 2000);
  console.log(JSON.stringify(await lifecycleBench(conversations)));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
