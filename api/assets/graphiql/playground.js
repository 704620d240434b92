// Starts GraphiQL on the playground page. A file of its own rather than an inline script, so
// the page's Content-Security-Policy can refuse every inline script.
(function () {
  var loc = window.location;
  var wsUrl = (loc.protocol === 'https:' ? 'wss://' : 'ws://') + loc.host + '/graphql/ws';
  // HTTP for queries/mutations; the bundled graphql-ws client is only
  // opened for subscription operations.
  var fetcher = GraphiQL.createFetcher({ url: '/graphql', subscriptionUrl: wsUrl });
  var defaultQuery =
    '# Open vacancies, closing soonest first, with counts by country and contract.\n' +
    '# Auth: see the Headers tab below\n' +
    '{\n' +
    '  vacancies(first: 5, filter: { openOnly: true }) {\n' +
    '    totalCount\n' +
    '    edges {\n' +
    '      node {\n' +
    '        reference\n' +
    '        title\n' +
    '        organisation {\n' +
    '          acronym\n' +
    '        }\n' +
    '        closingAt\n' +
    '        isSample\n' +
    '      }\n' +
    '    }\n' +
    '    facets {\n' +
    '      countries {\n' +
    '        country\n' +
    '        count\n' +
    '      }\n' +
    '      contractTypes {\n' +
    '        contractType\n' +
    '        count\n' +
    '      }\n' +
    '    }\n' +
    '  }\n' +
    '}\n';
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultQuery: defaultQuery,
    isHeadersEditorEnabled: true,
    // Headers hold bearer tokens: never kept in localStorage, where any script could read them.
    shouldPersistHeaders: false,
    defaultEditorToolsVisibility: 'headers',
    visiblePlugin: 'Documentation Explorer'
  }));
})();
