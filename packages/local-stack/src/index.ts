// Contract of the one-machine runtime, used by `npm start` and the operator CLI.
// (Implementation lands in this package; see README "Running on one machine".)
export {};
