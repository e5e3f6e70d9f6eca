/** Help of the workspace commands (`strata <command> --help`); kept beside the commands they describe. */

const DATABASE_NOTE = `Works on the database in DATABASE_URL, or (unset) on the embedded database in STRATA_DATA_DIR
(default .strata-data/), which only one process may open: stop the Strata server first.
There is no login on the CLI: it acts as the workspace's owner.`;

export const IMPORT_USAGE = `Usage: strata import customers|orders|activities --workspace <slug> --input <file> [options]

Imports a customers or order-lines file into a workspace, the same import as Data > Import in the
browser. The column mapping is guessed from the header; --mapping overrides it.

Options:
  --workspace <slug>   the workspace (as in its URL)
  --input <file>       CSV, TSV or Excel file, read in place
  --mapping <file>     JSON mapping that overrides the guess, e.g. {"fields": {"externalId": "ID"}}
                       (orders: customerId, orderedAt, quantity, unitPrice, ...)
  --accept-valid       import the valid rows when some are invalid (default: reject the whole file)
  --dataset <name>     name of the dataset the rows are recorded under
  -h, --help           this help

Prints {imported, updated, rejected, rejectedReportPath, ms}. Rejected rows are listed in a CSV
(line, column, value, reason) whose path is printed.

${DATABASE_NOTE}`;

export const RUN_USAGE = `Usage: strata run --workspace <slug> [options]

Queues a segmentation run exactly as Start run in the browser does: the same settings and defaults,
and without --features the features the new-run form suggests.

Options:
  --workspace <slug>   the workspace (as in its URL)
  --algorithm <name>   kmeans (default), minibatch, dbscan, hierarchical or gmm
  --k <N|auto>         number of segments, 2 to 50, or auto (default: chosen from 3 to 8)
  --features <a,b,c>   customer features to segment on (default: the suggested ones)
  --wait               follow the run to its end; progress goes to stderr
  --work               with DATABASE_URL: work the run in this process instead of waiting for a
                       worker (apps/worker). The embedded database always works it here, since the
                       server, which otherwise would, must be stopped.
  -h, --help           this help

Without --wait prints {id, status} once the run is queued. With --wait prints
{id, status, k, sizes, metrics, timings} when it succeeds (timings from queue to result); if it
fails or is cancelled, says why on stderr and exits with 1.

${DATABASE_NOTE}`;

export const WORKSPACE_USAGE = `Usage: strata <command> [options]   (strata <command> --help for its options)

Workspace commands:
  import customers|orders|activities --workspace <slug> --input <file> [--mapping map.json] [--accept-valid]
  run --workspace <slug> [--algorithm kmeans|minibatch|dbscan|hierarchical|gmm] [--k N|auto]
      [--features a,b,c] [--wait] [--work]

Each prints one JSON object on stdout; errors go to stderr with a non-zero exit code.
${DATABASE_NOTE}`;
