// The README's screenshots are the journeys' screenshots. Every image the README shows is
// docs/screenshots/<name>.png, a copy of artifacts/screenshots/<name>.png that a journey writes
// (`screenshot(page, '<name>')` or an element screenshot to '<name>.png').
//
//   node e2e/readme-screenshots.mjs          copies them after a journey run (node e2e/run.mjs);
//                                            fails naming any the run did not write
//   node e2e/readme-screenshots.mjs --check  checks that each README image exists and that a
//                                            journey writes a screenshot of that name
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const names = [
  ...new Set(
    [...readme.matchAll(/\(docs\/screenshots\/([\w.-]+)\.png\)/g)].map(
      m => m[1],
    ),
  ),
];
const journeys = readdirSync(join(root, 'e2e', 'journeys'))
  .filter(f => f.endsWith('.mjs'))
  .map(f => readFileSync(join(root, 'e2e', 'journeys', f), 'utf8'))
  .join('\n');

const problems = [];
if (names.length === 0)
  problems.push('README.md shows no docs/screenshots/*.png image');
for (const name of names) {
  if (!journeys.includes(`'${name}'`) && !journeys.includes(`'${name}.png'`)) {
    problems.push(
      `docs/screenshots/${name}.png: no journey in e2e/journeys writes a screenshot named '${name}'`,
    );
  }
}
if (process.argv.includes('--check')) {
  for (const name of names) {
    if (!existsSync(join(root, 'docs', 'screenshots', `${name}.png`))) {
      problems.push(
        `docs/screenshots/${name}.png is missing (run the journeys, then node e2e/readme-screenshots.mjs)`,
      );
    }
  }
} else {
  for (const name of names) {
    const from = join(root, 'artifacts', 'screenshots', `${name}.png`);
    if (!existsSync(from)) {
      problems.push(
        `artifacts/screenshots/${name}.png was not written by the last journey run`,
      );
      continue;
    }
    copyFileSync(from, join(root, 'docs', 'screenshots', `${name}.png`));
    console.log(
      `docs/screenshots/${name}.png ← artifacts/screenshots/${name}.png`,
    );
  }
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(
  `${names.length} README screenshots ${
    process.argv.includes('--check') ? 'checked' : 'copied'
  }`,
);
