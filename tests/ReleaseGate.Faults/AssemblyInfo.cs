// Each class stops and starts parts (a portal, registries, the SMTP sink, the engine): one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
