// Package vis draws pictures a person can look at: grids of images (data,
// model samples, RBM filters) as PNG files, and training curves as plots.
//
// # Tiles
//
// Tile lays out the rows of a matrix, each an image of width x height
// values stored row-major, as one grid; TileOptions.Columns takes the
// columns instead, which are the filters of an RBM whose W is (nv, nh).
// Values become grey levels in one of three ways: None reads them as
// intensities in [0, 1] (data, probabilities, samples), PerTile stretches
// each tile from its own minimum to its maximum (filters), and Global uses
// one range for all tiles. Symmetric maps zero to mid-grey, so that the sign
// of a weight shows. Scale magnifies each value into a block of pixels.
// NaN values are drawn in a marked colour (red by default) and constant
// tiles mid-grey, so a diverged model still gives a picture.
//
// TileFrames lays out a sequence of matrices, one grid column per frame and
// one grid row per image, which shows Gibbs chains evolving: a digit
// forming from noise, read from left to right.
//
// # Plots
//
// PlotCurves draws named series (training loss, log-likelihood estimates)
// with a legend into a PNG, using gonum.org/v1/plot and the Liberation fonts
// it embeds, so no font needs to be installed.
//
// # Files
//
// WritePNG and PlotCurves write atomically: a temporary file in the target
// directory is renamed over the destination once complete. Errors name the
// path.
//
// # Errors
//
// Shapes that do not match (a matrix whose rows are not width*height long)
// are programmer errors and panic with a message starting "vis: ". Bad
// values (NaN, infinities, constant tiles) never panic.
package vis
