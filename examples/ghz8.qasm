// 8-qubit GHZ state (|0...0> + |1...1>)/sqrt(2).
// <X0 X1 X2 X3 X4 X5 X6 X7> = 1, <Z0 Z7> = 1, <Z3> = 0.
OPENQASM 2.0;
include "qelib1.inc";
qreg q[8];
h q[0];
cx q[0], q[1];
cx q[1], q[2];
cx q[2], q[3];
cx q[3], q[4];
cx q[4], q[5];
cx q[5], q[6];
cx q[6], q[7];
