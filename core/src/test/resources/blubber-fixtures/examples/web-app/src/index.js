document.body.textContent = 'Hello, World';
