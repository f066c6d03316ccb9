# GPAW build configuration for lisse's optional `dft` extra: serial (no MPI, no ScaLAPACK), Debian's libxc, FFTW and
# OpenBLAS (apt-get install libxc-dev libfftw3-dev libopenblas-dev). Used as GPAW_CONFIG=.ci/gpaw-siteconfig.py pip install ...
mpi = False
compiler = 'g++'
fftw = True
scalapack = False
libraries = ['xc', 'fftw3', 'openblas']
