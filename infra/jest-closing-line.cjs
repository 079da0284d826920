// Jest reporter: after the list and Jest's summary, one plain closing line any CI can read:
// "tests: N passed, N failed, N skipped". Written as the process exits, because Jest prints its summary after
// every custom reporter.
class ClosingLine {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`;
    process.once('exit', () => process.stdout.write(line));
  }
}

module.exports = ClosingLine;
