// Command belief trains, samples, draws and evaluates the deep generative
// models of this module: restricted Boltzmann machines, sigmoid belief nets,
// deep belief nets and the classifiers fine-tuned from them.
//
// Usage:
//
//	belief <command> [flags]
//
// The commands:
//
//	data      describe a data set, draw its first images, export it as .npz
//	train     train a model: belief train rbm|sbn|dbn [flags]
//	finetune  fine-tune a DBN by backprop (into an MLP) or by up-down
//	sample    draw samples from a model as a picture
//	show      draw a model's filters and training curves
//	eval      log-likelihoods (exact, AIS with RAISE, importance sampling),
//	          variational bounds and test errors, optionally as JSON
//	export    write a model's arrays as a NumPy .npz file
//	import    read an RBM back from a .npz file
//	unroll    an RBM as an infinitely deep tied-weight sigmoid belief net
//	demo      the main job: train an RBM on MNIST and show what it learned
//
// "belief help" lists them and "belief <command> -h" gives each one's flags.
// Every command that reads data takes the same -data, -split and -binarize
// flags; every command that draws random numbers takes -seed. Training
// writes its model file atomically after every epoch; on Ctrl-C it stops
// after the current epoch, and -resume continues bit-identically.
package main
