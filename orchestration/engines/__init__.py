"""What differs between the engines that build the marts (DuckDB, Spark): the Spark hand-off,
a local Spark cluster, and the parity check between the two publications."""
