// Imported first by run-independent-checks.ts, before any AWS SDK module loads: the SDK's one-time
// warning that its 2027 releases need Node 22 is noise in the checks' output (as in the demo bundle).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
