// The test classes share one Docker engine, its port range and the demo image's repository:
// run them one after another so each cleans up before the next starts.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
