// One portal and one Chromium at a time: on two cores, parallel browsers make "within a second" checks flaky.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
