/**
 * Imported first by a benchmark: the handlers' logger reads its level when its module loads,
 * which static imports do before the benchmark's own code runs. WARN, as `npm start` does.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
