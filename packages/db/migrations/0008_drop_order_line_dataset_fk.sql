ALTER TABLE "order_lines" DROP CONSTRAINT "order_lines_dataset_id_datasets_id_fk";
