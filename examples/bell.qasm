// Bell state (|00> + |11>)/sqrt(2).
// <Z0 Z1> = 1, <X0 X1> = 1, <Y0 Y1> = -1, <Z0> = 0.
OPENQASM 2.0;
include "qelib1.inc";
qreg q[2];
creg c[2];
h q[0];
cx q[0], q[1];
measure q -> c;
