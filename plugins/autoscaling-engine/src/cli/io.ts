/** The only I/O the commands use, passed in so tests can capture it. */
export interface CommandIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  readFile(path: string): Promise<string>;
  writeFile(path: string, text: string): Promise<void>;
}

export function processIo(): CommandIo {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require('node:fs/promises') as typeof import('node:fs/promises');
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    readFile: path => fs.readFile(path, 'utf8'),
    writeFile: (path, text) => fs.writeFile(path, text, 'utf8'),
  };
}
