/**
 * Imported first by the cost benchmark: the handlers log at INFO, as `DeskFunction` configures
 * them on AWS, so the bytes CloudWatch Logs would ingest are the bytes counted. Their logger reads
 * the level when its module loads, before the benchmark's own code runs.
 */
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
