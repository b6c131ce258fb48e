/* schema: the store's tables as SQL (db/schema.c). Internal to db/. */
#ifndef LOGDECK_DB_SCHEMA_H
#define LOGDECK_DB_SCHEMA_H

/* Version 1: files, records, the full-text index, counts, meta. */
extern const char schema_records[];
/* Version 2: alert_state, alert_history, outbox, notifiers, silences
 * (idempotent: CREATE ... IF NOT EXISTS). */
extern const char schema_alerts[];
/* Version 3: file_ranges, the covered byte ranges of files indexed
 * tail-first (db/ranges.c; idempotent). */
extern const char schema_ranges[];
/* Version 5: rawblk, records' text in compressed blocks (db/blk.h);
 * idempotent, the migration from version 4. */
extern const char schema_v5[];

/* Version 7: the per-minute rollups and error templates (db/rollup.h;
 * idempotent). */
extern const char schema_rollups[];

/* Version 8: rec_txt, the text index per block of records (db/txt.h);
 * idempotent. */
extern const char schema_v8[];
extern const char schema_v9[];   /* names (db/names.h) */

#endif
