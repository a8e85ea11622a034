// The kernel tests change the process's working directory and environment (as a notebook front end would), and each
// notebook trains a model on two cores: one test at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
