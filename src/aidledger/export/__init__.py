"""Export: the ledger in the formats analysts use (CSV/XLSX tracker layout, Parquet/JSON, IATI XML)."""
