// The image and stack tests share one engine and the images they build: one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
