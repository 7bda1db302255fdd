CREATE TABLE `replica_meta` (
	`id` integer PRIMARY KEY NOT NULL,
	`format_version` integer NOT NULL,
	`server_id` integer NOT NULL,
	`ensemble_id` text NOT NULL,
	`accepted_epoch` integer NOT NULL,
	`current_epoch` integer NOT NULL,
	`log_start_zxid` integer NOT NULL,
	CONSTRAINT "replica_meta_single_row" CHECK("replica_meta"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE `snapshot_chunks` (
	`snapshot_id` integer NOT NULL,
	`chunk_index` integer NOT NULL,
	`data` blob NOT NULL,
	`checksum` integer NOT NULL,
	PRIMARY KEY(`snapshot_id`, `chunk_index`),
	FOREIGN KEY (`snapshot_id`) REFERENCES `snapshots`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `snapshots` (
	`id` integer PRIMARY KEY NOT NULL,
	`zxid` integer NOT NULL,
	`chunk_count` integer NOT NULL,
	`bytes_total` integer NOT NULL,
	`checksum` integer NOT NULL,
	`complete` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `txn_log` (
	`zxid` integer PRIMARY KEY NOT NULL,
	`epoch` integer NOT NULL,
	`txn` blob NOT NULL,
	`checksum` integer NOT NULL
);
