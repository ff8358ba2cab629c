// graphql-js runs development checks unless NODE_ENV is production: on every type test that fails
// (most of them, while a response is built) it looks for a second copy of graphql, about 5% of a
// full profile's CPU. The gateway runs as a production process unless the environment says otherwise.
process.env['NODE_ENV'] ??= 'production';
