// Runs a command: --help (a HelpRequest) prints the help to stdout and exits 0;
// a UsageError (bad flag, file or value) prints one line and exits 2; anything
// else prints its stack and exits 1.
export async function runCli(main) {
  try {
    await main();
  } catch (error) {
    if (error?.name === 'HelpRequest') {
      process.stdout.write(error.message);
      process.exit(0);
    }
    if (error?.name === 'UsageError') {
      process.stderr.write(`error: ${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  }
}
